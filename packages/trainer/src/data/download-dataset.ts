import path from 'node:path';
import { downloadFile, DownloadDigestMismatch, DownloadFailure, fileDigest } from '../download/download-file.ts';
import { buildFolderOnce, pathExists } from './build-folder-once.ts';
import { DataBadSha256Error, DataDownloadError } from './data-errors.ts';
import { unpackZip } from './unpack-zip.ts';

/**
 * Like Keras's `get_file(extract=True)`: downloads the zip at `url` once into
 * `<cacheDir>/downloads/<file name>`, checks its sha256, unpacks it once into
 * `<cacheDir>/datasets/<name>-<sha256 prefix>/` and returns that folder. A cached archive with the
 * right sha256 is used without touching the network, so an offline machine works once the file is
 * placed there by hand; one with the wrong sha256 is fetched again.
 */
export async function downloadDataset(url: string, sha256: string, cacheDir: string): Promise<string> {
  const fileName = archiveName(url);
  const datasetDir = path.join(cacheDir, 'datasets', `${fileName.replace(/\.zip$/i, '')}-${sha256.slice(0, 12)}`);
  await buildFolderOnce(datasetDir, async (tempDir) => {
    const archive = path.join(cacheDir, 'downloads', fileName);
    if (!(await pathExists(archive)) || (await fileDigest(archive, 'sha256')) !== sha256) {
      try {
        await downloadFile(url, archive, { algorithm: 'sha256', digest: sha256 });
      } catch (error) {
        if (error instanceof DownloadDigestMismatch) throw new DataBadSha256Error(url, sha256, error.actual);
        if (error instanceof DownloadFailure) throw new DataDownloadError(url, error.reason, archive, sha256, { cause: error });
        throw error;
      }
    }
    await unpackZip(archive, tempDir);
  });
  return datasetDir;
}

function archiveName(url: string): string {
  const name = path.posix.basename(decodeURIComponent(new URL(url).pathname));
  // Only the last path segment, and never something that could climb out of the downloads folder.
  return name === '' || name === '.' || name === '..' ? 'archive.zip' : name;
}
