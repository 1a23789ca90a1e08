/** Types for humanparser 2.7.0 (plain CommonJS, ships none): only what render/names uses. */
declare module "humanparser" {
  export interface ParsedName {
    salutation?: string;
    firstName?: string;
    middleName?: string;
    lastName?: string;
    suffix?: string;
    fullName?: string;
  }
  export interface ParseNameOptions {
    extraSalutations?: string[];
    extraSuffixes?: string[];
    extraCompound?: string[];
    ignoreSalutation?: string[];
    ignoreSuffix?: string[];
    ignoreCompound?: string[];
  }
  /** CommonJS: Node's ESM loader exposes only the default export (the module object). */
  const parser: { parseName(name: string, options?: ParseNameOptions): ParsedName };
  export default parser;
}
