import { apps, platform } from './apps';
import { synth } from './compiler/synth';

process.exitCode = synth({ specs: apps, platform, outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
