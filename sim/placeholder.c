/* placeholder */ int hf_sim_placeholder(void); int hf_sim_placeholder(void) { return 0; }
