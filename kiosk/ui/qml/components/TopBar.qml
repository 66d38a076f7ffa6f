import QtQuick

// Always there: repeat the prompt, volume, text size, contrast. Wraps onto two lines if needed.
Rectangle {
    id: bar
    color: theme.c.surface
    implicitHeight: flow.implicitHeight + units.mm(6)
    border.color: theme.c.border
    border.width: units.mm(0.4)

    Flow {
        id: flow
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: units.mm(4)
        anchors.rightMargin: units.mm(4)
        spacing: units.mm(3)
        KButton {
            objectName: "repeatButton"
            text: i18n.t.bar_repeat
            kind: "secondary"
            labelPx: units.bar_px
            onClicked: voice.repeat()
        }
        KButton {
            objectName: "volumeDownButton"
            text: i18n.t.bar_volume_down
            kind: "secondary"
            labelPx: units.bar_px
            onClicked: voice.volume = voice.volume - 0.2
        }
        KButton {
            objectName: "volumeUpButton"
            text: i18n.t.bar_volume_up
            kind: "secondary"
            labelPx: units.bar_px
            onClicked: voice.volume = voice.volume + 0.2
        }
        KButton {
            objectName: "textSizeButton"
            text: i18n.t.bar_text_size
            kind: "secondary"
            labelPx: units.bar_px
            onClicked: {
                units.text_size = (units.text_size + 1) % 3
                voice.say(i18n.t["text_size_" + units.text_size])  // says which size it is now
            }
        }
        KButton {
            objectName: "contrastButton"
            text: i18n.t.bar_contrast
            kind: "secondary"
            labelPx: units.bar_px
            onClicked: theme.name = theme.name === "default" ? "high_contrast" : "default"
        }
    }
}
