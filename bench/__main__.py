"""Run every benchmark: python -m bench."""

from bench import cold_start, latency, throughput

for module in (latency, throughput, cold_start):
    print(f"== {module.__name__}", flush=True)
    module.main()
