import QtQuick
import "../components"

Item {
    id: screen
    objectName: "screen_welcome"
    // Centred when it fits; at the largest text on a landscape panel it scrolls, with the cue.
    Flickable {
        id: flick
        anchors.fill: parent
        contentHeight: Math.max(height, col.height)
        interactive: contentHeight > height + 1  // a tap on a screen that fits is only a tap
        clip: true
        Column {
            id: col
            anchors.centerIn: parent  // the content is the view's height when it fits
            width: Math.min(screen.width, units.mm(260))
            spacing: units.mm(portrait ? 12 : 7)
            Heading {
                objectName: "welcomeTitle"
                horizontalAlignment: Text.AlignHCenter
                font.pixelSize: units.huge_px
                text: i18n.t.welcome_title
            }
            Body {
                horizontalAlignment: Text.AlignHCenter
                text: i18n.t.welcome_subtitle.arg(flow.commune_name)
            }
            KButton {
                objectName: "startButton"
                width: parent.width
                minHeight: units.mm(portrait ? 45 : 30)
                text: i18n.t.welcome_start
                sub: i18n.t.welcome_start_sub
                onClicked: flow.start()
            }
            Row {
                width: parent.width
                spacing: units.mm(6)
                KButton {
                    objectName: "lookupButton"
                    width: (parent.width - parent.spacing) / 2
                    kind: "secondary"
                    minHeight: units.mm(portrait ? 32 : 18)
                    text: i18n.t.welcome_lookup
                    sub: i18n.t.welcome_lookup_sub
                    onClicked: flow.open_lookup()
                }
                KButton {
                    objectName: "queueButton"
                    width: (parent.width - parent.spacing) / 2
                    kind: "secondary"
                    minHeight: units.mm(portrait ? 32 : 18)
                    text: i18n.t.welcome_queue
                    sub: i18n.t.welcome_queue_sub
                    onClicked: flow.open_queue()
                }
            }
            Row {
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: units.mm(6)
                KButton {
                    objectName: "langViButton"
                    kind: i18n.lang === "vi" ? "primary" : "secondary"
                    text: "Tiếng Việt"
                    onClicked: i18n.set_language("vi")
                }
                KButton {
                    objectName: "langEnButton"
                    kind: i18n.lang === "en" ? "primary" : "secondary"
                    text: "English"
                    onClicked: i18n.set_language("en")
                }
            }
        }
    }
    ScrollHint { flick: flick }
}
