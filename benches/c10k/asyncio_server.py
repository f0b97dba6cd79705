"""C10k peer: a Python asyncio echo server (asyncio.Protocol, the default event loop).

    python3 asyncio_server.py [PORT=0 [LIFETIME_SECONDS=120]]

Listens on 127.0.0.1:PORT, prints "port N" on its first line, echoes whatever each
connection sends, and exits by itself after LIFETIME_SECONDS.
"""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport  # asyncio sets TCP_NODELAY on TCP transports

    def data_received(self, data):
        self.transport.write(data)


async def main(port, lifetime):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port, backlog=4096, reuse_address=True)
    print("port", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(lifetime)
    server.close()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    asyncio.run(main(port, lifetime))
