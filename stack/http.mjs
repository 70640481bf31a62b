// HTTP from the test harness to local servers (n8n, the simulator) that close idle keep-alive
// connections after a few seconds.

const STALE_SOCKET_CODES = ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'];

/**
 * Sends a request again, once, when it failed on a pooled connection the server had just closed
 * ("fetch failed: other side closed"): the server closed the socket as idle just as the request
 * went out on it, so the request never reached it and sending it again is safe. On a loaded
 * machine the client notices the close late, which makes this likelier.
 */
export async function retryOnStaleSocket(send) {
	try {
		return await send();
	} catch (e) {
		if (!STALE_SOCKET_CODES.includes(e.cause?.code)) throw e;
		return await send();
	}
}
