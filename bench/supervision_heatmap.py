"""The supervision side of bench/supervision.mjs: HeatMapAnnotator + VideoSink over a video.

Usage: python3 bench/supervision_heatmap.py IN.mp4 BOXES.json OUT.mp4
  BOXES.json: [[[left, top, right, bottom], ...], ...], one list of boxes a frame, in the
  video's pixels (written by bench/supervision.mjs from crowdheat's own reading of the CSV).
supervision is imported from SUPERVISION_SRC (a checkout of roboflow/supervision; see
bench/README.md). Prints one JSON line: frames written and seconds spent.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.environ["SUPERVISION_SRC"])

import numpy as np  # noqa: E402
import supervision as sv  # noqa: E402


def main() -> None:
    source, boxes_path, target = sys.argv[1:4]
    with open(boxes_path, encoding="utf-8") as handle:
        boxes = json.load(handle)
    started = time.perf_counter()
    annotator = sv.HeatMapAnnotator()
    info = sv.VideoInfo.from_video_path(source)
    frames = 0
    with sv.VideoSink(target_path=target, video_info=info) as sink:
        for index, frame in enumerate(sv.get_video_frames_generator(source_path=source)):
            frame_boxes = boxes[index] if index < len(boxes) else []
            xyxy = np.array(frame_boxes, dtype=np.float32).reshape(-1, 4)
            detections = sv.Detections(xyxy=xyxy, class_id=np.zeros(len(xyxy), dtype=int))
            sink.write_frame(annotator.annotate(scene=frame.copy(), detections=detections))
            frames += 1
    print(json.dumps({"frames": frames, "seconds": round(time.perf_counter() - started, 3)}))


if __name__ == "__main__":
    main()
