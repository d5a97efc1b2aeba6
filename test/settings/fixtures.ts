/** The AITRIOS heat map sample's own configuration files, as its users have them. */
export const SAMPLE_MAIN_YAML = `data_source_settings:
  mode: "local"            # console | local
  console_data_settings:
    setting_path: "./config/console_access_settings.yaml"
    device_id: "__device_id__"
    sub_directory_name: ""
    first_timestamp: ""      # yyyyMMddHHmmssfff or ""
    last_timestamp: ""
    number_of_inference_results: 20
    number_of_images: 20
  local_data_settings:
    video_file: "./input/sample.mp4"
    meta_file: "./input/sample.csv"
heat_map_settings:
  param_file: "./config/default_param.yaml"
output_settings:
  output_dir: "output"
  output_video_fps: 2
  output_video_width: 300
  output_video_height: 300
  cmap: "Reds"
  cbar: false
  min: 0
  max: 15
  overlay: true
  transparency: 0.4
`;

export const SAMPLE_PARAM_YAML = `number_of_add_grid : 1
last_valid_frame : 15
image_size_h : 1920
image_size_v : 1080
grid_num_h : 192
grid_num_v : 108
bbox2pix : false
`;

export const SAMPLE_PARAM_PATH = './config/default_param.yaml';
