import { extname } from 'node:path';

const BY_EXTENSION: Record<string, string> = {
	'.txt': 'text/plain',
	'.csv': 'text/csv',
	'.html': 'text/html',
	'.json': 'application/json',
	'.pdf': 'application/pdf',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.gif': 'image/gif',
	'.svg': 'image/svg+xml',
	'.zip': 'application/zip',
	'.gz': 'application/gzip',
	'.tar': 'application/x-tar',
	'.mp4': 'video/mp4',
	'.mkv': 'video/x-matroska',
	'.mp3': 'audio/mpeg',
};

/** The content type 1fichier reports in `content-type` (§2.4), guessed from the name like a web server. */
export function contentTypeFor(filename: string): string {
	return BY_EXTENSION[extname(filename).toLowerCase()] ?? 'application/octet-stream';
}
