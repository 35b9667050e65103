import { main } from './cli/main';

// `npm run audit -- [--json | --sarif] <paths...>` is `cdk8s-guardrails audit`.
main(['audit', ...process.argv.slice(2)]).then(code => { process.exitCode = code; });
