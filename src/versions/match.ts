/** How sure a software match is: confirmed (identity and version in range), likely (identity certain, version unknown or range vague), possible (name only). */
export type Confidence = 'confirmed' | 'likely' | 'possible';

/** The outcome of matching one inventory entry against one affected product, with a sentence a person can check. */
export type SoftwareMatch = { matched: true; confidence: Confidence; explanation: string } | { matched: false; explanation: string };

export const noMatch = (explanation: string): SoftwareMatch => ({ matched: false, explanation });
