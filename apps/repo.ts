/** The Git repo that holds this project's `dist/`: ArgoCD syncs every app below from it. */
export const DEPLOY_REPO = 'https://github.com/acme/cluster-deploy.git';
