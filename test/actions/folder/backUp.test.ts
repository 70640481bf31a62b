/**
 * Folder → Back Up as a real n8n workflow against the simulator: nights of a NAS backup, the
 * decisions from metadata and their edges, batches, names and files 1fichier refuses, mirror's
 * safety rules, the summary and the failure path.
 */
import { rmSync, writeFileSync } from 'fs';
import path from 'path';

import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import { backUp, folderIdOf, remoteTree, summaryOf, useSourceDirectory, writeFiles } from '../../helpers/backup';
import type { Simulator } from '../../helpers/simulator';
import { useTestSimulator } from '../../helpers/simulator';

const simulator = useTestSimulator();
const source = useSourceDirectory();
let sim: Simulator;

beforeEach(() => {
	sim = simulator();
	clearListingGateForTesting();
});

const copyOf = () => remoteTree(sim, folderIdOf(sim, 'backups/nas')!);

/**
 * 1fichier dates copies in whole seconds, and a file counts as unchanged when its last change is
 * earlier than its copy's date minus the clock-skew margin. Tests use a margin of half a second
 * (Clock Skew Margin, in minutes) and let files settle this long before their first backup, so
 * that they are plainly older than their copies.
 */
const MARGIN = { clockSkewMinutes: 0.5 / 60 };
const settle = async () => await new Promise((resolve) => setTimeout(resolve, 1600));

describe('nights of a backup', () => {
	it('sends everything the first night in one upload per folder, then nothing on an unchanged night', async () => {
		writeFiles(source.nas(), { 'a.txt': 'alpha', 'photos/b.jpg': 'bravo', 'photos/2025/c.jpg': 'charlie', "photos/L'été.jpg": 'summer' });
		await settle();

		const first = summaryOf(await backUp(sim, source.nas(), MARGIN));
		expect(first.files).toMatchObject({ seen: 4, sent: 4, unchanged: 0, failed: 0, verified: 4 });
		expect(copyOf()).toEqual({ 'a.txt': 'alpha', 'photos/b.jpg': 'bravo', "photos/L'été.jpg": 'summer', 'photos/2025/c.jpg': 'charlie' });
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBe(3);

		sim.stats.reset();
		const second = summaryOf(await backUp(sim, source.nas(), MARGIN));
		expect(second.files).toMatchObject({ seen: 4, sent: 0, unchanged: 4, failed: 0 });
		expect(second.bytes).toMatchObject({ sent: 0, readFromDisk: 0 });
		expect(sim.stats.transfers['upload.cgi'] ?? 0).toBe(0);
		// One listing per folder, nothing else but the path of the destination.
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(3 + 2);
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(0);
	});
});
