// Where kvlint's documentation lives. One constant, so SARIF helpUri, explain and the README agree.

/** The project's home page; the README holds one anchor per rule code. */
export const PROJECT_URL = 'https://github.com/kvlint/kvlint';

/** The README anchor documenting a rule: `…#kv101` (GitHub lower-cases heading anchors). */
export function ruleHelpUri(codeOrId: string): string {
  return `${PROJECT_URL}#${codeOrId.toLowerCase()}`;
}
