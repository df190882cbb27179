"""rcdash: the Shaoxing Red Cross grassroots-organisation dashboard library."""
