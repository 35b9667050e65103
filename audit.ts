import { audit } from './compiler/audit';

process.exitCode = audit(process.argv.slice(2), { out: line => console.log(line), err: line => console.error(line) });
