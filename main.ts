import { apps, platform } from './apps';
import { synth } from './compiler/synth';

// cdk8s synth runs in the project's root: where the charts' values files are looked for (CompileOptions.repoRoot).
process.exitCode = synth({ specs: apps, platform, outdir: process.env.CDK8S_OUTDIR ?? 'dist', compile: { repoRoot: process.cwd() } });
