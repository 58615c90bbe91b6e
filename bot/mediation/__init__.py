"""网络调解 + 司法确认: online people's mediation with judicial confirmation, as one self-contained service."""
