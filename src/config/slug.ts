/**
 * "Founders intro (example)" → "founders-intro-example": lowercase a-z, 0-9 and single dashes.
 * Accents are folded ("Café" → "cafe") so common names keep a readable slug; a name with no
 * latin letters or digits gives "", which rules.ts reports unless `state:` is set.
 */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
