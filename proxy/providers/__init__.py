"""The vendors: one package each (`<vendor>/`), listed in `registry.py`; the driver interface in
`base.py`, its optional capabilities in `capabilities.py`, what no vendor owns in `common/`."""
