// Assertion modules and their bind statements, in simulation only: CMake adds them to every
// Verilated model (built with --assert) and to the lint; Icarus and Yosys never read them.
ern_sva_bursts.sv
ern_ram_sva.sv
ern_layer_engine_sva.sv
ern_dma_rd_sva.sv
ern_dma_wr_sva.sv
ern_controller_sva.sv
