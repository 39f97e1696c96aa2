"""Parts of the Canvas panel: the stage and player, keyframes, sampling, attributes."""
