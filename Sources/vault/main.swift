print("usage: vault create|edit|view|encrypt|decrypt|rekey|encrypt_string FILE...")
