export { architectureNames, type ArchitectureName } from './architecture-names.ts';
