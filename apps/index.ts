import { AppSpec } from '../compiler/app-spec';
import { commons, crm, tickets } from './commons';
import { edge } from './edge';
import { honeydue } from './honeydue';
import { kubently } from './kubently';
import { opsAdmin } from './ops-admin';
import { headlamp, inference, nodeTuning, rkllama } from './pi-cluster';
export { platform } from './platform';
import { shop } from './shop';
import { blog, invoicer } from './tenants';

/** Every app that `npm run synth` compiles into `dist/`. */
export const apps: AppSpec[] = [shop, blog, invoicer, edge, honeydue, inference, rkllama, nodeTuning, headlamp, commons, tickets, crm, kubently, opsAdmin];
