import VaultCommand

VaultCommand.runAsExecutable()
