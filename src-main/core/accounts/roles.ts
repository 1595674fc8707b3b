export const ROLES = ['coordinator', 'chair', 'examiner', 'clerk', 'observer'] as const;
export type Role = (typeof ROLES)[number];
