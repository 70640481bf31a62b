// The benchmark's floor: n8n's binary store moving the same bytes as the 1fichier node, through
// the same ring of buffers (the installed package's transport/streams), without any HTTP.
// "into" stores a local file with prepareBinaryData, as a download stores what it receives;
// "out" reads a stored binary and writes it to a local file, as an upload reads what it sends;
// "hash" reads a stored binary and computes its Whirlpool the way a verified transfer does (with
// the package's engine, or forced to hash-wasm): the hash alone, for the verified rows.
// Installed into the benchmark's n8n only (bench/transfers.mjs); never part of the package.
const { open } = require('node:fs/promises');
const { ringFileStream } = require('n8n-nodes-1fichier/dist/nodes/OneFichier/transfer/streams');
const whirlpool = require('n8n-nodes-1fichier/dist/nodes/OneFichier/transfer/whirlpool');

class BenchFloor {
	constructor() {
		this.description = {
			displayName: 'Bench Floor',
			name: 'benchFloor',
			group: ['transform'],
			version: 1,
			description: 'Moves a file into or out of n8n\'s binary store (benchmark floor)',
			defaults: { name: 'Bench Floor' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{
					displayName: 'Direction',
					name: 'direction',
					type: 'options',
					options: [
						{ name: 'Into the Store', value: 'into' },
						{ name: 'Out of the Store', value: 'out' },
						{ name: 'Whirlpool of the Stored Binary', value: 'hash' },
					],
					default: 'into',
				},
				{ displayName: 'File', name: 'file', type: 'string', default: '' },
				{
					displayName: 'Whirlpool Engine',
					name: 'engine',
					type: 'options',
					options: [
						{ name: 'The Package\'s Choice', value: 'chosen' },
						{ name: 'Hash-Wasm (No Helper Process)', value: 'hash-wasm' },
					],
					default: 'chosen',
				},
			],
		};
	}

	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const file = this.getNodeParameter('file', i);
			const direction = this.getNodeParameter('direction', i);
			if (direction === 'hash') {
				// A fresh n8n process per measurement: forcing hash-wasm here touches nothing else.
				if (this.getNodeParameter('engine', i) === 'hash-wasm') {
					whirlpool.useWhirlpoolChoiceForTesting({ helper: { unavailable: 'the benchmark\'s hash-wasm row' } });
				}
				whirlpool.prepareWhirlpool(this.logger);
				const binary = this.helpers.assertBinaryData(i, 'data');
				const checksum = await whirlpool.whirlpoolOfStream(ringFileStream(this.helpers.getBinaryPath(binary.id)));
				out.push({ json: { checksum, engine: await whirlpool.whirlpoolEngineName() }, pairedItem: { item: i } });
			} else if (direction === 'into') {
				const binary = await this.helpers.prepareBinaryData(ringFileStream(file), file.split('/').pop(), 'application/octet-stream');
				out.push({ json: {}, binary: { data: binary }, pairedItem: { item: i } });
			} else {
				const binary = this.helpers.assertBinaryData(i, 'data');
				const handle = await open(file, 'w');
				try {
					const source = ringFileStream(this.helpers.getBinaryPath(binary.id));
					for await (const chunk of source) await handle.write(chunk);
				} finally {
					await handle.close();
				}
				out.push({ json: { written: file }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

module.exports = { BenchFloor };
