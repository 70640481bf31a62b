/**
 * The loopback HTTP server the simulator fetches remote-upload links from, so nothing leaves the
 * machine: `/missing` answers 404, `/hang` never answers (until `close`), any other path answers
 * `content of <path>`. It records the headers of every request it receives.
 */
import { createServer } from 'http';
import type { IncomingHttpHeaders, ServerResponse } from 'http';
import type { AddressInfo } from 'net';

export interface LinkOrigin {
	url: string;
	seenHeaders: IncomingHttpHeaders[];
	close(): Promise<void>;
}

export async function startLinkOrigin(): Promise<LinkOrigin> {
	const seenHeaders: IncomingHttpHeaders[] = [];
	const hanging: ServerResponse[] = [];
	const origin = createServer((req, res) => {
		seenHeaders.push(req.headers);
		if (req.url === '/missing') {
			res.writeHead(404).end('not here');
		} else if (req.url === '/hang') {
			hanging.push(res); // never answered until the test ends
		} else {
			const name = (req.url ?? '/').slice(1);
			res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`content of ${name}`);
		}
	});
	await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(origin.address() as AddressInfo).port}`,
		seenHeaders,
		async close() {
			for (const res of hanging) res.destroy();
			origin.closeAllConnections();
			await new Promise<void>((resolve) => origin.close(() => resolve()));
		},
	};
}
