import { apps } from './apps';
import { synth } from './compiler/synth';

process.exitCode = synth({ specs: apps, outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
