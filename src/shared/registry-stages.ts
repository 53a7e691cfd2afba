/** Stages of a model version in the registry, in workflow order. */
export const REGISTRY_STAGES = ['candidate', 'approved', 'production', 'archived', 'rejected'] as const;
export type RegistryStage = (typeof REGISTRY_STAGES)[number];
