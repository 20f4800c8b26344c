"""Benchmarks at town, province and national scale on PostgreSQL (issue 9).

`python -m bench` runs town and province; `python -m bench --scale national` the country.
Each scale runs in its own process against its own database (chungtay_bench_<scale>); results go
to var/bench/<scale>.json and bench/RESULTS.md. Nothing here is collected by pytest.
"""
