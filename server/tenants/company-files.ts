import path from 'node:path';

/**
 * Every file we keep for a company (uploads, attachments, temporary files) lives under this folder, so an
 * uninstall removes it whole and no file is ever shared between companies.
 */
export function companyDataDir(dataDir: string, companyId: number): string {
  return path.join(dataDir, 'companies', String(companyId));
}
