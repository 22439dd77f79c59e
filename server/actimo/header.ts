// Header normalisation shared by the synonym table, kind detection and column roles.

const TRANSLIT: Record<string, string> = { æ: 'ae', ø: 'oe', å: 'aa', ß: 'ss' };

/**
 * The comparison key of a header: lower case, Danish letters spelled out, accents dropped, and every
 * separator removed, so "E-mail", "Email" and "e_mail" compare equal, and "Fornavn" equals "fornavn".
 */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/[æøåß]/g, (c) => TRANSLIT[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9%#]/g, '');
}
