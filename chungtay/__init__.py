"""Chung Tay: emulation movements and housing support for Vietnam Fatherland Front committees."""
