// Progressive enhancements for shoppers. Every form here also works without JavaScript.
(function () {
  "use strict";
})();
