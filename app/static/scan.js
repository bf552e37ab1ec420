// The camera path of /scan: only where the browser has BarcodeDetector (the upload form works everywhere).
// A detected code goes to the server, which decides where it leads: never straight to a printed URL.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var section = document.getElementById("camera");
  var video = document.getElementById("camera-view");
  var start = document.getElementById("camera-start");
  section.hidden = false;
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code", "ean_13", "ean_8", "upc_a"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      var timer = window.setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (!codes.length) { return; }
          window.clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          window.location.href = "/scan/code?text=" + encodeURIComponent(codes[0].rawValue);
        });
      }, 300);
    });
  });
})();
