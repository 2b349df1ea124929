export * from './model.ts';
export { FindingGroups, OBSERVATIONS_KEPT, type FindingGroup } from './groups.ts';
export { writeFindings, listFindings, resolveUnseen, setFindingStatus, type FindingFilter } from './store.ts';
export { findingById, reconcileVulnerabilities, vulnerabilityDetails, withVulnerabilityDetails, RESOLVED_NOT_AFFECTED, RESOLVED_WITHDRAWN, type AssessedVulnerability, type VulnerableProduct, type VulnerabilityDetails, type VulnerabilityFields } from './vulnerabilities.ts';
