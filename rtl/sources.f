// The accelerator's RTL in compile order: the one file list that CMake (Verilator, the lint,
// Icarus, Yosys elaboration) and tools/synth.py read.
ern_pkg.sv
ern_ram.sv
ern_pe.sv
ern_pe_array.sv
ern_postproc.sv
ern_pixel_embed.sv
ern_layer_engine.sv
ern_span_walker.sv
ern_xfer_seq.sv
ern_dma_addr.sv
ern_dma_entries.sv
ern_load_xfer.sv
ern_store_xfer.sv
ern_dma_rd.sv
ern_dma_wr.sv
ern_controller.sv
ern_accel.sv
