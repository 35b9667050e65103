export * from '../policy';
export * from './scoped-deployer';
export * from './argo-project';
export * from './tenant-namespace';
export * from './hardened-pod';
export * from './hardened-deployment';
export * from './default-deny-network';
