"""Tests of the directive kinds (ecco_build/kinds/)."""
