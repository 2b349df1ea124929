export * from './model.ts';
export { ASSET_KINDS, detectAssetKind, parseAssetValue, type AssetKind, type AssetValue } from './asset-value.ts';
export { checkContact, checkOrganisation } from './validate.ts';
export { addOrganisation, addContact, listOrganisations, getOrganisation, removeOrganisation, organisationId, type OrganisationSummary } from './organisations.ts';
export { addAssets, listAssets, removeAsset } from './assets.ts';
export { importRegistry, exportRegistry, type ImportReport, type ImportOptions } from './transfer.ts';
export { importInventory, listInventories, entryValue, type Inventory, type InventoryImport } from './inventories.ts';
