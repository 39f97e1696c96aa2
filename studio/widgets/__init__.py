"""Reusable Qt widgets shared by the studio's panels (image grids, banners, small inputs)."""
