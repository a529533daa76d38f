"""The checkout these scripts belong to: where results/, build/ and the
bench binaries are found when no flag says otherwise."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
