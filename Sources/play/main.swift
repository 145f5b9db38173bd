print("play: under construction")
