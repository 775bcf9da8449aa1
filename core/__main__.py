"""``python -m core``: the command line (see core.cli)."""

from core.cli import leave, main
from core.memory import keep_freed_memory

keep_freed_memory()  # a process that ends within seconds keeps the memory it frees (core.memory)
leave(main())
