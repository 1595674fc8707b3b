// The list is a rule the renderer shows too: it lives in shared/rules.ts.
export { ROLES, type Role } from '../../shared/rules';
