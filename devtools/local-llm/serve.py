"""Start llama.cpp's server (the xllamacpp wheel) on loopback and keep it up until stdin closes or SIGTERM.

xllamacpp ships no CLI: its Server class runs llama.cpp's native HTTP server inside this process.
Prints one line `LISTENING <address>` once the server answers, so the caller learns the ephemeral port.
Usage: python serve.py MODEL.gguf CTX THREADS
"""
import signal
import sys
import threading

import xllamacpp as xlc


def main() -> None:
    model, ctx, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    params = xlc.CommonParams()
    params.model.path = model
    params.n_ctx = ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # ephemeral: the OS picks, listening_address reports it
    params.use_jinja = True  # the model's own chat template, which renders tools
    params.sampling.temp = 0.0
    params.sampling.seed = 42
    server = xlc.Server(params)
    print(f"LISTENING {server.listening_address}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    del server


if __name__ == "__main__":
    main()
