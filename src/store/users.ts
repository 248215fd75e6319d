/** The users table: who may sign in to the dashboard, and as what. */
export const ROLES = ['admin', 'district_viewer', 'commune_chief', 'contractor'] as const;
export type Role = (typeof ROLES)[number];
