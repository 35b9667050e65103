import { AppSpec } from '../compiler/app-spec';
import { edge } from './edge';
export { platform } from './platform';
import { shop } from './shop';
import { blog, invoicer } from './tenants';

/** Every app that `npm run synth` compiles into `dist/`. */
export const apps: AppSpec[] = [shop, blog, invoicer, edge];
