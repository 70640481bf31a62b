import type { IncomingMessage, ServerResponse } from 'node:http';

import { htmlPage, sendHtml, sendJson, sleep } from './http-util';
import { REAL } from './messages';
import { bytesBeforeStall, type StalledConnections } from './stalls';
import type { Fault } from './types';
import { dropMidUpload } from './upload';

/** What the server should do after a fault was applied. */
export type FaultOutcome = 'answered' | 'continue';

/** "Please wait" while the node still processes the upload (§2.2, SACGUI client). */
const PLEASE_WAIT_PAGE = htmlPage(
	'1fichier.com: upload',
	'<div class="bloc2"><p>Veuillez patienter pendant le traitement de vos fichiers...</p><p>Please wait while your files are being processed...</p></div>',
);

/** The website maintenance page (§1 status codes, JD old revision). */
const MAINTENANCE_PAGE = htmlPage('1fichier.com: maintenance', '<p>Our services are in maintenance. Please come back after 10:00.</p>');

/** A non-JSON 403 from the anti-bot front (VPN/datacenter IPs, §1 status codes). */
const ANTI_BOT_PAGE = htmlPage('403 Forbidden', '<h1>403 Forbidden</h1><p>Access denied.</p>');

/** What a fault may do beyond answering: lock the caller's key (`flood`), hold the connection (stalls). */
export interface FaultEffects {
	lockKey(): void;
	stalls: StalledConnections;
}

/**
 * Applies one injected fault. `slow` only delays; the request then goes on normally. The stall
 * faults resolve only once their connection is gone.
 */
export async function applyFault(
	fault: Fault,
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
	effects: FaultEffects,
): Promise<FaultOutcome> {
	switch (fault.kind) {
		case 'slow':
			await sleep(fault.delayMs ?? 1000);
			return 'continue';
		case 'drop':
			if (path === '/upload.cgi') await dropMidUpload(req);
			else req.socket.destroy();
			return 'answered';
		case 'flood':
			effects.lockKey();
			sendJson(res, 403, { status: 'KO', message: REAL.flood });
			return 'answered';
		case '5xx': {
			const status = fault.status ?? 503;
			sendHtml(res, status, htmlPage(`${status} Error`, `<h1>${status}</h1>`));
			return 'answered';
		}
		case 'pleaseWait':
			sendHtml(res, 200, PLEASE_WAIT_PAGE);
			return 'answered';
		case 'maintenance':
			sendHtml(res, 503, MAINTENANCE_PAGE);
			return 'answered';
		case 'html403':
			sendHtml(res, 403, ANTI_BOT_PAGE);
			return 'answered';
		case 'refusal':
			sendJson(res, fault.status ?? 403, { status: 'KO', message: fault.message });
			return 'answered';
		case 'stall':
		case 'stallEndPl':
			await effects.stalls.hold(req);
			return 'answered';
		case 'stallUpload': {
			const bodyBytes = Number(req.headers['content-length'] ?? 0);
			await effects.stalls.readThenHold(req, bytesBeforeStall(fault.afterBytes, bodyBytes));
			return 'answered';
		}
		// end.pl variants shape the real result (server.ts hands them to handleEndPl); with the
		// integrity faults the transfer goes on and its handler damages the bytes or the checksum;
		// stallDownload is applied by the download once its headers are out.
		case 'stallDownload':
		case 'endHtml':
		case 'endNoLinks':
		case 'endSeveralLinks':
		case 'endWithoutChecksum':
		case 'corruptUpload':
		case 'wrongChecksum':
		case 'corruptDownload':
			return 'continue';
	}
}

