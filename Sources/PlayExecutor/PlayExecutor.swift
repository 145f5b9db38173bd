// The PlayExecutor library; see ../shared/docs/DESIGN.md for its part in the whole.
