/** Types for the parts of @secvisogram/csaf-validator-lib that Koppel uses; the package ships JavaScript only. */
declare module '@secvisogram/csaf-validator-lib/validateStrict.js' {
  interface Message {
    message: string;
    instancePath: string;
  }
  export interface TestResult {
    name: string;
    isValid: boolean;
    errors: Message[];
    warnings: Message[];
    infos: Message[];
  }
  export type DocumentTest = (doc: unknown) => unknown;
  export default function validateStrict(tests: DocumentTest[], doc: unknown): Promise<{ isValid: boolean; tests: TestResult[] }>;
}

declare module '@secvisogram/csaf-validator-lib/schemaTests.js' {
  import type { DocumentTest } from '@secvisogram/csaf-validator-lib/validateStrict.js';
  export const csaf_2_0_strict: DocumentTest;
}

declare module '@secvisogram/csaf-validator-lib/mandatoryTests.js' {
  import type { DocumentTest } from '@secvisogram/csaf-validator-lib/validateStrict.js';
  const tests: Record<string, DocumentTest>;
  export = tests;
}
